-- INVENTARIO.FN_ARBOL_CATEGORIAS (FUNCTION) from extracted/all_source/functions.sql:141
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
             c.connect_by_path_1             AS ruta,
             CASE CONNECT_BY_ISLEAF WHEN 1 THEN 'S' ELSE 'N' END           AS es_hoja
        FROM (WITH RECURSIVE connect_by AS (
                SELECT c AS connect_by_row, 1 AS level, ARRAY[row_number() OVER (ORDER BY c.nombre)] AS connect_by_order, ARRAY[ROW(c.*)::text] AS connect_by_visited, concat(' > ', c.nombre)::text AS connect_by_path_1
                  FROM categorias c
                 WHERE (p_id_raiz IS NULL AND c.id_categoria_padre IS NULL)
               OR c.id_categoria = p_id_raiz
                UNION ALL
                SELECT c, connect_by_prior.level + 1, array_append(connect_by_prior.connect_by_order, row_number() OVER (PARTITION BY connect_by_prior.connect_by_order ORDER BY c.nombre)), array_append(connect_by_prior.connect_by_visited, ROW(c.*)::text), concat(connect_by_prior.connect_by_path_1, ' > ', c.nombre)::text
                  FROM connect_by connect_by_prior
                  JOIN categorias c ON ((connect_by_prior.connect_by_row).id_categoria = c.id_categoria_padre) AND NOT ROW(c.*)::text = ANY(connect_by_prior.connect_by_visited)
            )
            SELECT (connect_by_prior.connect_by_row).*, connect_by_prior.level, connect_by_prior.connect_by_path_1, CASE WHEN EXISTS (SELECT 1 FROM categorias c WHERE (connect_by_prior.connect_by_row).id_categoria = c.id_categoria_padre) THEN 0 ELSE 1 END AS connect_by_isleaf
              FROM connect_by connect_by_prior
             ORDER BY connect_by_prior.connect_by_order) c;
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
