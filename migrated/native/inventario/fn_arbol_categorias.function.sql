-- INVENTARIO.FN_ARBOL_CATEGORIAS (FUNCTION) from extracted/all_source/functions.sql:141
-- unsupported (line 147): CONNECT BY: rewrite it as WITH RECURSIVE
-- review (line 163): exception NO_DATA_NEEDED is not declared where the translator can see it; SQLSTATE 'U1TJR' stands for it

CREATE OR REPLACE FUNCTION inventario.fn_arbol_categorias(p_id_raiz numeric DEFAULT NULL)
RETURNS SETOF inventario.t_nodo_categoria
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    -- Uso: SELECT * FROM TABLE(inventario.fn_arbol_categorias(10));
    -- Si p_id_raiz es NULL se devuelve el árbol completo.
    c_arbol CURSOR FOR SELECT c.id_categoria,
        concat(lpad(' ', trunc(2 * (LEVEL - 1))::integer), c.nombre)         AS nombre,
        LEVEL                                            AS nivel,
        SYS_CONNECT_BY_PATH(c.nombre, ' > ')             AS ruta,
        CASE CONNECT_BY_ISLEAF WHEN 1 THEN 'S' ELSE 'N' END           AS es_hoja
        FROM categorias c
        START WITH (p_id_raiz IS NULL AND c.id_categoria_padre IS NULL)
        OR c.id_categoria = p_id_raiz
        CONNECT BY NOCYCLE PRIOR c.id_categoria = c.id_categoria_padre
        ORDER SIBLINGS BY c.nombre;
BEGIN
    FOR r IN c_arbol LOOP
        RETURN NEXT (ROW(r.id_categoria, r.nombre, r.nivel, SUBSTR(r.ruta, 4), r.es_hoja)::inventario.t_nodo_categoria);
    END LOOP;
    RETURN;
EXCEPTION
    WHEN SQLSTATE 'U1TJR' THEN
        RETURN;
-- el consumidor dejó de leer (p.ej. ROWNUM <= 10)
END;
$body$;
