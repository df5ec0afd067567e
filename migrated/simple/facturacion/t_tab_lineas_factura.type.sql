CREATE TYPE facturacion.t_tab_lineas_factura AS (t_tab_lineas_factura facturacion.t_linea_factura[]);
