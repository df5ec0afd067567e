-- FACTURACION.T_LINEA_FACTURA (TYPE) from extracted/ddl/FACTURACION/types.sql:5

CREATE TYPE facturacion.t_linea_factura AS (
    id_producto numeric(10),
    descripcion varchar(200),
    cantidad numeric(10,2),
    precio_unitario numeric(12,4),
    porcentaje_descuento numeric(5,2),
    porcentaje_iva numeric(5,2)
);
