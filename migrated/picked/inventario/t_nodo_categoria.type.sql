-- INVENTARIO.T_NODO_CATEGORIA (TYPE) from extracted/ddl/INVENTARIO/types.sql:5

CREATE TYPE inventario.t_nodo_categoria AS (
    id_categoria numeric(6),
    nombre varchar(100),
    nivel numeric(2),
    ruta varchar(1000),
    es_hoja char(1)
);
