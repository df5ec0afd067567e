-- INVENTARIO.V_STOCK_CONSOLIDADO (VIEW) from extracted/ddl/INVENTARIO/views.sql:5

CREATE OR REPLACE VIEW inventario.v_stock_consolidado (id_producto, codigo_sku, descripcion, categoria, disponible, reservado, libre, bodegas_con_stock) AS
SELECT p.id_producto,
         p.codigo_sku,
         p.descripcion,
         c.nombre,
         coalesce(SUM(s.cantidad_disponible), 0),
         coalesce(SUM(s.cantidad_reservada), 0),
         coalesce(SUM(s.cantidad_disponible - s.cantidad_reservada), 0),
         COUNT(s.id_bodega)
    FROM productos p
    JOIN categorias c ON c.id_categoria = p.id_categoria
    -- Solo la categoría directa; el árbol completo (CONNECT BY) está en FN_ARBOL_CATEGORIAS
    LEFT JOIN stock_bodega s ON s.id_producto = p.id_producto
   WHERE p.estado = 'ACTIVO'
   GROUP BY p.id_producto, p.codigo_sku, p.descripcion, c.nombre;
