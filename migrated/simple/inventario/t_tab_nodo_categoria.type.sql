CREATE TYPE inventario.t_tab_nodo_categoria AS (t_tab_nodo_categoria inventario.t_nodo_categoria[]);
