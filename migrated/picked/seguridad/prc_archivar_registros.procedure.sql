-- SEGURIDAD.PRC_ARCHIVAR_REGISTROS (PROCEDURE) from extracted/all_source/procedures.sql:109
-- review (line 109): defaults dropped: PostgreSQL allows no OUT parameter after a defaulted one, so callers must pass every argument
-- unsupported (line 135): DBMS_ASSERT has no equivalent on PostgreSQL; left as written
-- unsupported (line 145): EXECUTE IMMEDIATE ... RETURNING INTO: put RETURNING in the statement and use INTO
-- unsupported (line 155): EXECUTE IMMEDIATE of a PL/SQL block: PostgreSQL's EXECUTE runs SQL; the block needs translating and running with DO
-- unsupported (line 156): an OUT bind in EXECUTE ... USING
-- unsupported (line 158): EXECUTE IMMEDIATE ... RETURNING INTO: put RETURNING in the statement and use INTO

CREATE OR REPLACE PROCEDURE seguridad.prc_archivar_registros(
    p_meses_retencion numeric,
    OUT p_archivados numeric,
    OUT p_tabla_destino varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    sql_rowcount integer := 0;
    -- Mueve la bitácora de auditoría antigua a una tabla histórica por año
    -- (AUDITORIA_LOG_HIST_YYYY), creándola si no existe.
    v_corte timestamp(0) := ADD_MONTHS(TRUNC(clock_timestamp()::timestamp(0), 'MM'), -p_meses_retencion);
    v_tabla varchar(61);
    v_existe numeric;
    v_max_id numeric;
    v_borrados numeric;
    v_sql varchar(4000);
    v_ids numeric[];
    v_fecha_reg timestamp(0);
BEGIN
    IF p_meses_retencion < 12 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0620', MESSAGE = 'La retención mínima legal es de 12 meses';
    END IF;
    v_tabla := concat('AUDITORIA_LOG_HIST_', TO_CHAR(v_corte - interval '1 day', 'YYYY'));
    p_tabla_destino := concat('SEGURIDAD.', v_tabla);
    SELECT COUNT(*) INTO STRICT v_existe FROM all_tables WHERE owner = 'SEGURIDAD' AND table_name = v_tabla;
    GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    IF v_existe = 0 THEN
        EXECUTE concat('CREATE TABLE seguridad.', DBMS_ASSERT.simple_sql_name(v_tabla), ' TABLESPACE seg_hist AS SELECT * FROM seguridad.auditoria_log WHERE 1 = 0');
        GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    END IF;
    v_sql := concat('INSERT INTO seguridad.', v_tabla, ' SELECT * FROM seguridad.auditoria_log WHERE fecha < :corte');
    EXECUTE v_sql USING v_corte;
    GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    p_archivados := sql_rowcount;
    EXECUTE concat('SELECT MAX(id_log) FROM seguridad.', v_tabla) INTO STRICT v_max_id;
    GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    EXECUTE 'DELETE FROM seguridad.auditoria_log WHERE fecha < $1 AND id_log <= $2 RETURNING id_log INTO $3' USING v_corte, v_max_id;
    GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    v_borrados := coalesce(cardinality(v_ids), 0);
    IF v_borrados <> p_archivados THEN
        ROLLBACK;
        RAISE EXCEPTION USING ERRCODE = 'U0621', MESSAGE = concat('Inconsistencia al archivar: copiados ', p_archivados, ', borrados ', v_borrados);
    END IF;
    -- estadísticas de la tabla histórica (bloque dinámico con bind de salida)
    EXECUTE concat('BEGIN DBMS_STATS.gather_table_stats(''SEGURIDAD'', $1); SELECT COUNT(*) INTO $2 FROM seguridad.', v_tabla, '; END;') USING v_tabla, v_existe;
    GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    EXECUTE 'UPDATE seguridad.parametros_sistema SET valor = $1, fecha_modificacion = SYSDATE'
        || ' WHERE codigo = ''ULTIMO_ARCHIVO_AUDITORIA'' RETURNING fecha_modificacion INTO $2' USING p_tabla_destino;
    GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    COMMIT;
    CALL prc_registrar_auditoria('MANTENIMIENTO', 'ARCHIVO', concat(p_archivados, ' registros a ', p_tabla_destino, ' (total ', v_existe, ')'));
END;
$body$;
