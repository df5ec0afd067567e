--------------------------------------------------------
--  DDL for View V_CLIENTES_ACTIVOS
--------------------------------------------------------

  CREATE OR REPLACE FORCE EDITIONABLE VIEW "VENTAS"."V_CLIENTES_ACTIVOS" ("ID_CLIENTE", "DOCUMENTO", "NOMBRE", "EMAIL", "TELEFONO", "CATEGORIA", "CUPO_DISPONIBLE") AS 
  SELECT c.id_cliente,
       c.tipo_documento || '-' || c.numero_documento,
       NVL(c.nombre_comercial, c.razon_social),
       c.email,
       c.telefono,
       NVL(c.categoria, 'REGULAR'),
       NVL(c.limite_credito, 0) - NVL(c.saldo_pendiente, 0)
  FROM clientes c
 WHERE c.estado = 'ACTIVO';
--------------------------------------------------------
--  DDL for View V_PEDIDOS_PENDIENTES
--------------------------------------------------------

  CREATE OR REPLACE FORCE EDITIONABLE VIEW "VENTAS"."V_PEDIDOS_PENDIENTES" ("ID_PEDIDO", "FECHA_PEDIDO", "DIAS_ESPERA", "CLIENTE", "CATEGORIA", "TOTAL", "ESTADO", "NUMERO_FACTURA", "ESTADO_FACTURA", "PRIORIDAD") AS 
  select p.id_pedido, p.fecha_pedido, trunc(sysdate) - trunc(p.fecha_pedido) dias_espera,
       c.razon_social cliente, c.categoria, p.total, p.estado,
       f.numero_factura, f.estado estado_factura,
       decode(c.categoria, 'VIP', 1, 'ORO', 2, null, 4, 3) prioridad
  from pedidos p, clientes c, facturacion.facturas f
 where p.id_cliente = c.id_cliente
   and f.id_pedido (+) = p.id_pedido
   and f.estado (+) <> 'ANULADA'
   and p.estado in ('PENDIENTE', 'APROBADO');
--------------------------------------------------------
--  DDL for View v_ResumenAnual  (nombre con mayúsculas/minúsculas, lo creó el equipo de BI)
--------------------------------------------------------

  CREATE OR REPLACE FORCE EDITIONABLE VIEW "VENTAS"."v_ResumenAnual" ("Año", "Categoría", "Clientes", "Pedidos", "TotalVendido", "TicketPromedio") AS 
  SELECT TO_NUMBER(TO_CHAR(p.fecha_pedido, 'YYYY')),
         NVL(c.categoria, 'REGULAR'),
         COUNT(DISTINCT p.id_cliente),
         COUNT(*),
         SUM(p.total),
         TRUNC(AVG(p.total), 2)
    FROM pedidos p
    JOIN clientes c ON c.id_cliente = p.id_cliente
   WHERE p.estado = 'FACTURADO'
   GROUP BY TO_NUMBER(TO_CHAR(p.fecha_pedido, 'YYYY')), NVL(c.categoria, 'REGULAR');

GRANT SELECT ON "VENTAS"."v_ResumenAnual" TO FACTURACION;
