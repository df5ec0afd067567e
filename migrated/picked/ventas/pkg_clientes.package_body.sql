-- VENTAS.PKG_CLIENTES (PACKAGE BODY) from extracted/all_source/packages_body.sql:1
-- review (line 50): procedure crear_cliente is crear_cliente_proc: a function has its name, and PostgreSQL resolves calls over functions and procedures together; calls from the estate are rewritten, other callers must change
-- review (line 89): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment
-- unsupported (line 93): ROWNUM with ORDER BY, GROUP BY, UNION or an aggregate: Oracle numbers the rows before these apply; rewrite it as a subquery with LIMIT

CREATE SCHEMA IF NOT EXISTS pkg_clientes;

-- constant c_modulo
CREATE OR REPLACE FUNCTION pkg_clientes.c_modulo() RETURNS varchar(30)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('PKG_CLIENTES')::varchar(30) $body$;

CREATE OR REPLACE PROCEDURE pkg_clientes.validar_documento(
    p_tipo varchar,
    p_numero varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    CASE p_tipo
        WHEN 'CED' THEN
            IF fn_validar_cedula(p_numero) = 'N' THEN
                RAISE EXCEPTION USING ERRCODE = 'U0701', MESSAGE = concat('Cédula inválida: ', p_numero);
            END IF;
        WHEN 'RUC' THEN
            IF LENGTH(p_numero) <> 13 OR oracle.substr(p_numero, -3) <> '001' THEN
                RAISE EXCEPTION USING ERRCODE = 'U0702', MESSAGE = concat('RUC inválido: ', p_numero);
            END IF;
        WHEN 'PAS' THEN
            NULL;
        ELSE
            RAISE EXCEPTION USING ERRCODE = 'U0703', MESSAGE = concat('Tipo de documento no soportado: ', p_tipo);
    END CASE;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_clientes.crear_cliente(
    p_tipo_documento varchar(3),
    p_numero_documento varchar(20),
    p_razon_social varchar(200),
    p_email varchar(150) DEFAULT NULL,
    p_telefono varchar(20) DEFAULT NULL
)
RETURNS numeric(10,0)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_id clientes.id_cliente%TYPE;
BEGIN
    CALL pkg_clientes.validar_documento(UPPER(p_tipo_documento), TRIM(p_numero_documento));
    IF p_email IS NOT NULL AND seguridad.fn_validar_email(p_email) = 'N' THEN
        RAISE EXCEPTION USING ERRCODE = 'U0704', MESSAGE = concat('Correo electrónico inválido: ', p_email);
    END IF;
    INSERT INTO clientes (id_cliente, tipo_documento, numero_documento, razon_social, email, telefono,
                              categoria, limite_credito, saldo_pendiente, estado, fecha_alta)
        VALUES (nextval('seq_clientes'), UPPER(p_tipo_documento), TRIM(p_numero_documento), TRIM(p_razon_social),
                LOWER(p_email), p_telefono, 'REGULAR', 0, 0, 'ACTIVO', clock_timestamp()::timestamp(0))
        RETURNING id_cliente INTO v_id;
    RETURN v_id;
EXCEPTION
    WHEN unique_violation THEN
        RAISE EXCEPTION USING ERRCODE = 'U0705', MESSAGE = concat('Ya existe un cliente con documento ', p_tipo_documento, ' ', p_numero_documento);
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_clientes.crear_cliente_proc(
    p_tipo_documento varchar(3),
    p_numero_documento varchar(20),
    p_razon_social varchar(200),
    p_email varchar(150) DEFAULT NULL,
    p_telefono varchar(20) DEFAULT NULL
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_id clientes.id_cliente%TYPE;
BEGIN
    v_id := pkg_clientes.crear_cliente(p_tipo_documento, p_numero_documento, p_razon_social, p_email, p_telefono);
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_clientes.actualizar_contacto(
    p_id_cliente numeric,
    p_email varchar,
    p_telefono varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    IF p_email IS NOT NULL AND seguridad.fn_validar_email(p_email) = 'N' THEN
        RAISE EXCEPTION USING ERRCODE = 'U0704', MESSAGE = concat('Correo electrónico inválido: ', p_email);
    END IF;
    UPDATE clientes
          SET email = coalesce(LOWER(p_email), email),
              telefono = coalesce(p_telefono, telefono),
              fecha_modificacion = clock_timestamp()::timestamp(0),
              usuario_modificacion = current_user
        WHERE id_cliente = p_id_cliente;
    IF (NOT FOUND) THEN
        RAISE EXCEPTION USING ERRCODE = 'U0706', MESSAGE = concat('Cliente ', p_id_cliente, ' no existe');
    END IF;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_clientes.buscar(p_id_cliente numeric)
RETURNS refcursor
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_cur refcursor;
BEGIN
    OPEN v_cur FOR SELECT c.*, fn_obtener_nombre_cliente(c.id_cliente) AS nombre_mostrar
         FROM clientes c
        WHERE c.id_cliente = p_id_cliente;
    RETURN v_cur;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_clientes.buscar(
    p_texto varchar,
    p_max_filas integer DEFAULT 50
)
RETURNS refcursor
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_cur refcursor;
BEGIN
    OPEN v_cur FOR SELECT id_cliente, tipo_documento, numero_documento, razon_social, categoria, estado
         FROM clientes
        WHERE (UPPER(razon_social) LIKE concat('%', UPPER(p_texto), '%')
               OR numero_documento = p_texto)
          AND ROWNUM <= p_max_filas
        ORDER BY razon_social;
    RETURN v_cur;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_clientes.recategorizar(p_id_cliente numeric DEFAULT NULL)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r record;
    v_compras numeric;
    v_nueva clientes.categoria%TYPE;
    v_cambios integer := 0;
BEGIN
    -- Reglas de categoría (compras de los últimos 12 meses):
    --   >= 50.000 VIP, >= 20.000 ORO, >= 5.000 PLATA, resto REGULAR
    FOR r IN SELECT id_cliente, categoria FROM clientes
        WHERE estado = 'ACTIVO'
          AND (p_id_cliente IS NULL OR id_cliente = p_id_cliente) LOOP
        v_compras := pkg_pedidos.fn_total_compras_cliente(r.id_cliente, 12);
        v_nueva := CASE
              WHEN v_compras >= 50000 THEN 'VIP'
              WHEN v_compras >= 20000 THEN 'ORO'
              WHEN v_compras >= 5000  THEN 'PLATA'
              ELSE 'REGULAR'
            END;
        IF v_nueva <> coalesce(r.categoria, 'REGULAR') THEN
            UPDATE clientes SET categoria = v_nueva, fecha_modificacion = clock_timestamp()::timestamp(0) WHERE id_cliente = r.id_cliente;
            v_cambios := v_cambios + 1;
        END IF;
    END LOOP;
    CALL pkg_descuentos.limpiar_cache();
    CALL seguridad.prc_registrar_auditoria(pkg_clientes.c_modulo(), 'RECATEGORIZAR', concat('Clientes recategorizados: ', v_cambios));
END;
$body$;
