-- VENTAS.PKG_DESCUENTOS (PACKAGE BODY) from extracted/ddl/VENTAS/PKG_DESCUENTOS.sql:45
-- review (line 48): associative arrays indexed by integers are PostgreSQL arrays (here and below): an index between the lowest and highest assigned exists, NULL, so COUNT, EXISTS, NEXT and PRIOR see it where Oracle skips it, and keys far apart make a large array
-- review (line 189): the initialisation section runs in pkg_descuentos.package_initialization(), which each routine and state reader of the package calls first, as does an assignment to its state from elsewhere; like the state, whether it ran follows the transaction, so it runs again after a rollback

CREATE SCHEMA IF NOT EXISTS pkg_descuentos;

-- package variable g_cache: session setting pkg_descuentos.g_cache
CREATE OR REPLACE FUNCTION pkg_descuentos.g_cache() RETURNS numeric[]
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_descuentos.package_initialization();
    v := current_setting('pkg_descuentos.g_cache', true);
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN nullif(v, '')::numeric[];
END;
$body$;

-- package variable g_cache_fecha: session setting pkg_descuentos.g_cache_fecha
CREATE OR REPLACE FUNCTION pkg_descuentos.g_cache_fecha() RETURNS timestamp(0)
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_descuentos.package_initialization();
    v := current_setting('pkg_descuentos.g_cache_fecha', true);
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN nullif(v, '')::timestamp(0);
END;
$body$;

-- constant c_minutos_cache
CREATE OR REPLACE FUNCTION pkg_descuentos.c_minutos_cache() RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (30)::numeric $body$;

-- constant c_tramo_1
CREATE OR REPLACE FUNCTION pkg_descuentos.c_tramo_1() RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (5000)::numeric $body$;

-- constant c_tramo_2
CREATE OR REPLACE FUNCTION pkg_descuentos.c_tramo_2() RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (20000)::numeric $body$;

CREATE OR REPLACE FUNCTION pkg_descuentos.package_initialization() RETURNS void
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    pkg_descuentos_g_descuento_maximo numeric;
BEGIN
    IF current_setting('pkg_descuentos._initialized', true) = 'yes' THEN
        RETURN;
    END IF;
    PERFORM set_config('pkg_descuentos._initialized', 'yes', false);
    BEGIN
        SELECT (valor)::numeric
             INTO STRICT pkg_descuentos_g_descuento_maximo
             FROM seguridad.parametros_sistema
            WHERE codigo = 'DESC_MAXIMO_PCT';
        PERFORM set_config('pkg_descuentos.g_descuento_maximo', coalesce(pkg_descuentos_g_descuento_maximo::text, ''), false);
    EXCEPTION
        WHEN OTHERS THEN
            PERFORM set_config('pkg_descuentos.g_descuento_maximo', coalesce((35)::text, ''), false);
    END;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_descuentos.fn_calcular_descuento(
    p_monto numeric,
    p_porcentaje numeric
)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    PERFORM pkg_descuentos.package_initialization();
    -- Se trunca (no se redondea) a 2 decimales: criterio acordado con Contabilidad
    RETURN TRUNC(coalesce(p_monto, 0) * coalesce(p_porcentaje, 0) / 100, 2);
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_descuentos.fn_porcentaje_cliente(p_id_cliente numeric(10,0))
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    pkg_descuentos_g_cache numeric[];
    v_categoria clientes.categoria%TYPE;
    v_convenio clientes.es_convenio%TYPE;
    v_pct_conv clientes.porcentaje_convenio%TYPE;
    v_pct numeric;
    v_pct_conv_ef numeric;
    v_compras numeric;
BEGIN
    PERFORM pkg_descuentos.package_initialization();
    -- cache por sesión, se invalida cada 30 minutos
    IF pkg_descuentos.g_cache_fecha() IS NULL OR (clock_timestamp()::timestamp(0) - pkg_descuentos.g_cache_fecha()) * 24 * 60 > pkg_descuentos.c_minutos_cache() THEN
        PERFORM set_config('pkg_descuentos.g_cache', '', false);
        PERFORM set_config('pkg_descuentos.g_cache_fecha', coalesce((clock_timestamp()::timestamp(0))::text, ''), false);
    END IF;
    IF (p_id_cliente BETWEEN array_lower(pkg_descuentos.g_cache(), 1) AND array_upper(pkg_descuentos.g_cache(), 1)) THEN
        RETURN (pkg_descuentos.g_cache())[p_id_cliente];
    END IF;
    -- categoría NULL se trata como REGULAR (clientes migrados del sistema anterior)
    SELECT categoria, es_convenio, porcentaje_convenio,
              CASE WHEN categoria IS NOT DISTINCT FROM 'VIP' THEN 15 WHEN categoria IS NOT DISTINCT FROM 'ORO' THEN 10 WHEN categoria IS NOT DISTINCT FROM 'PLATA' THEN 5 WHEN categoria IS NULL THEN 0 ELSE 0 END,
              CASE WHEN porcentaje_convenio IS NOT NULL THEN CASE es_convenio WHEN 'S' THEN porcentaje_convenio ELSE 0 END ELSE 0 END
         INTO STRICT v_categoria, v_convenio, v_pct_conv, v_pct, v_pct_conv_ef
         FROM clientes
        WHERE id_cliente = p_id_cliente
          AND estado = 'ACTIVO';
    -- descuento por volumen: depende de PKG_PEDIDOS (y PKG_PEDIDOS depende de este paquete)
    v_compras := pkg_pedidos.fn_total_compras_cliente(p_id_cliente, 12);
    v_pct := v_pct + CASE
          WHEN v_compras >= pkg_descuentos.c_tramo_2() THEN 5
          WHEN v_compras >= pkg_descuentos.c_tramo_1() THEN 2.5
          ELSE 0
        END;
    -- convenio: se toma el mayor entre el pactado y el calculado
    v_pct := GREATEST(v_pct, v_pct_conv_ef);
    v_pct := LEAST(v_pct, pkg_descuentos.g_descuento_maximo());
    pkg_descuentos_g_cache := pkg_descuentos.g_cache();
    pkg_descuentos_g_cache[p_id_cliente] := v_pct;
    PERFORM set_config('pkg_descuentos.g_cache', coalesce(pkg_descuentos_g_cache::text, ''), false);
    RETURN v_pct;
EXCEPTION
    WHEN no_data_found THEN
        RETURN 0;
-- cliente inactivo o inexistente: sin descuento
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_descuentos.guardar_descuento(
    p_id_pedido numeric,
    p_pct numeric,
    p_leyenda varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_subtotal pedidos.subtotal%TYPE;
    v_estado pedidos.estado%TYPE;
BEGIN
    PERFORM pkg_descuentos.package_initialization();
    SELECT subtotal, estado INTO STRICT v_subtotal, v_estado
        FROM pedidos WHERE id_pedido = p_id_pedido
         FOR UPDATE;
    IF v_estado NOT IN ('BORRADOR', 'PENDIENTE') THEN
        RAISE EXCEPTION USING ERRCODE = 'U0110', MESSAGE = concat('No se puede modificar el descuento de un pedido en estado ', v_estado);
    END IF;
    UPDATE pedidos
          SET porcentaje_descuento = p_pct,
              monto_descuento      = pkg_descuentos.fn_calcular_descuento(v_subtotal, p_pct),
              observaciones        = SUBSTR(concat(observaciones, chr((10)::integer), p_leyenda, ' ', TO_CHAR(p_pct, 'FM990.00'), '%'), 1, 1000)
        WHERE id_pedido = p_id_pedido;
    CALL pkg_pedidos.recalcular_totales(p_id_pedido);
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_descuentos.aplicar_descuento(p_id_pedido numeric(12,0))
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_id_cliente pedidos.id_cliente%TYPE;
BEGIN
    PERFORM pkg_descuentos.package_initialization();
    SELECT id_cliente INTO STRICT v_id_cliente FROM pedidos WHERE id_pedido = p_id_pedido;
    CALL pkg_descuentos.guardar_descuento(p_id_pedido, pkg_descuentos.fn_porcentaje_cliente(v_id_cliente), pkg_descuentos.c_leyenda());
EXCEPTION
    WHEN no_data_found THEN
        RAISE EXCEPTION USING ERRCODE = 'U0101', MESSAGE = concat('Pedido ', p_id_pedido, ' no existe');
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_descuentos.aplicar_descuento(
    p_id_pedido numeric(12,0),
    p_codigo_campania varchar(20)
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r_camp campanias_descuento%ROWTYPE;
    r_ped pedidos%ROWTYPE;
    v_categoria clientes.categoria%TYPE;
    v_pct numeric;
BEGIN
    PERFORM pkg_descuentos.package_initialization();
    SELECT * INTO STRICT r_ped FROM pedidos WHERE id_pedido = p_id_pedido;
    BEGIN
        SELECT * INTO STRICT r_camp
             FROM campanias_descuento
            WHERE codigo_campania = UPPER(p_codigo_campania)
              AND activa = 'S'
              AND TRUNC(clock_timestamp()::timestamp(0)) BETWEEN fecha_inicio AND fecha_fin;
    EXCEPTION
        WHEN no_data_found THEN
            RAISE EXCEPTION USING ERRCODE = 'U0111', MESSAGE = concat('La campaña ', p_codigo_campania, ' no está vigente');
    END;
    SELECT categoria INTO STRICT v_categoria FROM clientes WHERE id_cliente = r_ped.id_cliente;
    IF r_camp.categoria_cliente IS NOT NULL AND r_camp.categoria_cliente <> coalesce(v_categoria, 'REGULAR') THEN
        RAISE EXCEPTION USING ERRCODE = 'U0112', MESSAGE = concat('La campaña es exclusiva para clientes ', r_camp.categoria_cliente);
    END IF;
    IF r_ped.subtotal < coalesce(r_camp.monto_minimo, 0) THEN
        RAISE EXCEPTION USING ERRCODE = 'U0113', MESSAGE = concat('El pedido no alcanza el monto mínimo de la campaña (', TO_CHAR(r_camp.monto_minimo, 'FM999G990D00'), ')');
    END IF;
    v_pct := LEAST(pkg_descuentos.fn_porcentaje_cliente(r_ped.id_cliente) + r_camp.porcentaje, pkg_descuentos.g_descuento_maximo());
    UPDATE pedidos SET codigo_campania = r_camp.codigo_campania WHERE id_pedido = p_id_pedido;
    CALL pkg_descuentos.guardar_descuento(p_id_pedido, v_pct, pkg_descuentos.c_leyenda_promo());
    CALL seguridad.prc_registrar_auditoria(pkg_descuentos.c_modulo(), 'CAMPANIA', concat('Pedido ', p_id_pedido, ' campaña ', r_camp.codigo_campania, ' Año ', TO_CHAR(clock_timestamp()::timestamp(0), 'YYYY')));
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_descuentos.limpiar_cache()
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    PERFORM pkg_descuentos.package_initialization();
    RAISE NOTICE '%', concat('Entradas en cache eliminadas: ', coalesce(cardinality(pkg_descuentos.g_cache()), 0));
    PERFORM set_config('pkg_descuentos.g_cache', '', false);
    PERFORM set_config('pkg_descuentos.g_cache_fecha', coalesce((NULL)::text, ''), false);
END;
$body$;
