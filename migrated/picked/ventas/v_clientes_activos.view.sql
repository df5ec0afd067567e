-- VENTAS.V_CLIENTES_ACTIVOS (VIEW) from extracted/ddl/VENTAS/views.sql:5

CREATE OR REPLACE VIEW ventas.v_clientes_activos (id_cliente, documento, nombre, email, telefono, categoria, cupo_disponible) AS
SELECT c.id_cliente,
       concat(c.tipo_documento, '-', c.numero_documento),
       coalesce(c.nombre_comercial, c.razon_social),
       c.email,
       c.telefono,
       coalesce(c.categoria, 'REGULAR'),
       coalesce(c.limite_credito, 0) - coalesce(c.saldo_pendiente, 0)
  FROM clientes c
 WHERE c.estado = 'ACTIVO';
