-- SEGURIDAD.PRC_REGISTRAR_AUDITORIA (PROCEDURE) from extracted/ddl/SEGURIDAD/PRC_REGISTRAR_AUDITORIA.sql:6
-- review (line 20): PRAGMA AUTONOMOUS_TRANSACTION: the routine of this name runs this body over a dblink connection of its own, which commits apart from the caller. It is another session: package variables there are its own (and its package initialisation runs again), and a row the caller has locked makes it wait 10 s and fail, where Oracle raises ORA-00060 at once. It needs the dblink extension and, except for a superuser on the same server, the setting autonomous.connection naming a dblink_fdw server with a user mapping (whose role sets search_path and lock_timeout)
-- review (line 31): COMMIT left to the autonomous connection, which commits as the call returns: an error after this point undoes what ran before it too
-- review (line 35): ROLLBACK in a handler of an autonomous routine: PostgreSQL has undone the failed block; what ran before that block is not undone
-- review (line 36): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest

CREATE OR REPLACE PROCEDURE seguridad.prc_registrar_auditoria_autonomous(
    p_modulo varchar(60),
    p_accion varchar(30),
    p_detalle varchar DEFAULT NULL,
    p_codigo_error numeric DEFAULT NULL
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    /*
        * Registra un evento en la bitácora de auditoría.
        * Se ejecuta en transacción autónoma para que el registro quede
        * grabado aunque el llamador haga ROLLBACK.
        * Autor: jperez  Fecha: 2017-05-02
        * 2021-11-10 mrodriguez: se agrega IP del cliente
        */
    v_usuario auditoria_log.usuario%TYPE;
    v_ip auditoria_log.ip_cliente%TYPE;
BEGIN
    v_usuario := coalesce(nullif(current_setting('application_name'), ''), current_user);
    v_ip := host(inet_client_addr());
    INSERT INTO auditoria_log (id_log, fecha, usuario, modulo, accion, detalle, codigo_error, ip_cliente)
        VALUES (nextval('seq_auditoria'), clock_timestamp(), v_usuario, UPPER(p_modulo), UPPER(p_accion),
                SUBSTR(p_detalle, 1, 4000), p_codigo_error, v_ip);
    -- COMMIT: the autonomous connection commits as the call returns
EXCEPTION
    WHEN OTHERS THEN
        -- nunca debe romper la transacción del llamador
        -- ROLLBACK: the failed block's changes are undone already
        RAISE NOTICE '%', concat('PRC_REGISTRAR_AUDITORIA: ', (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END), ' ', SQLERRM);
END;
$body$;

CREATE OR REPLACE PROCEDURE seguridad.prc_registrar_auditoria(
    p_modulo varchar(60),
    p_accion varchar(30),
    p_detalle varchar DEFAULT NULL,
    p_codigo_error numeric DEFAULT NULL
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    PERFORM dblink_exec(
        coalesce(nullif(current_setting('autonomous.connection', true), ''),
                 format('dbname=%s port=%s host=%s user=%s options=%L', current_database(),
                        current_setting('port'),
                        split_part(current_setting('unix_socket_directories'), ',', 1),
                        current_user,
                        '-csearch_path=' || replace(current_setting('search_path'), ' ', '')
                            || ' -clock_timeout=10s')),
        format('CALL seguridad.prc_registrar_auditoria_autonomous(%L::varchar(60), %L::varchar(30), %L::varchar, %L::numeric)', p_modulo, p_accion, p_detalle, p_codigo_error));
END;
$body$;
