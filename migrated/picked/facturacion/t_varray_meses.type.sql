-- FACTURACION.T_VARRAY_MESES (TYPE) from extracted/ddl/FACTURACION/types.sql:88

CREATE DOMAIN facturacion.t_varray_meses AS numeric(14,2)[];
