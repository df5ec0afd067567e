-- INVENTARIO.T_TAB_NODO_CATEGORIA (TYPE) from extracted/ddl/INVENTARIO/types.sql:18

CREATE DOMAIN inventario.t_tab_nodo_categoria AS inventario.t_nodo_categoria[];
