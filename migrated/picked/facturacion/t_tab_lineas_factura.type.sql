-- FACTURACION.T_TAB_LINEAS_FACTURA (TYPE) from extracted/ddl/FACTURACION/types.sql:81

CREATE DOMAIN facturacion.t_tab_lineas_factura AS facturacion.t_linea_factura[];
