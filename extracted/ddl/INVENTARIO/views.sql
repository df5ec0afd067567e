--------------------------------------------------------
--  DDL for View V_STOCK_CONSOLIDADO
--------------------------------------------------------

  CREATE OR REPLACE FORCE EDITIONABLE VIEW "INVENTARIO"."V_STOCK_CONSOLIDADO" ("ID_PRODUCTO", "CODIGO_SKU", "DESCRIPCION", "CATEGORIA", "DISPONIBLE", "RESERVADO", "LIBRE", "BODEGAS_CON_STOCK") AS 
  SELECT p.id_producto,
         p.codigo_sku,
         p.descripcion,
         c.nombre,
         NVL(SUM(s.cantidad_disponible), 0),
         NVL(SUM(s.cantidad_reservada), 0),
         NVL(SUM(s.cantidad_disponible - s.cantidad_reservada), 0),
         COUNT(s.id_bodega)
    FROM productos p
    JOIN categorias c ON c.id_categoria = p.id_categoria
    -- Solo la categoría directa; el árbol completo (CONNECT BY) está en FN_ARBOL_CATEGORIAS
    LEFT JOIN stock_bodega s ON s.id_producto = p.id_producto
   WHERE p.estado = 'ACTIVO'
   GROUP BY p.id_producto, p.codigo_sku, p.descripcion, c.nombre;

GRANT SELECT ON "INVENTARIO"."V_STOCK_CONSOLIDADO" TO VENTAS;
