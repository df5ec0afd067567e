SET DEFINE OFF
--------------------------------------------------------
--  DDL for Package PKG_DESCUENTOS
--  (archivo guardado en ANSI/Windows-1252 desde el PC de desarrollo)
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE "VENTAS"."PKG_DESCUENTOS" AS
  /* ---------------------------------------------------------------
     Política comercial de descuentos.
       - Descuento por categoría de cliente (REGULAR, PLATA, ORO, VIP)
       - Descuento por volumen de compras de los últimos 12 meses
       - Descuento por convenio corporativo (aseguradoras / empresas)
       - Campañas vigentes (tabla CAMPANIAS_DESCUENTO)
     El total acumulado nunca supera DESC_MAXIMO_PCT (parámetro).
     ¿Dudas? Consultar con Gerencia Comercial (Sra. Muñoz).
     También revisar el acta del comité de precios (vigente desde enero).
     --------------------------------------------------------------- */

  c_modulo          CONSTANT VARCHAR2(30) := 'PKG_DESCUENTOS';
  c_leyenda         CONSTANT VARCHAR2(60) := 'Descuento aplicado';
  c_leyenda_promo   CONSTANT VARCHAR2(60) := 'Descuento & promoción de campaña';

  -- porcentaje máximo; se carga en la inicialización del paquete
  g_descuento_maximo NUMBER := 35;

  FUNCTION fn_porcentaje_cliente(p_id_cliente IN clientes.id_cliente%TYPE) RETURN NUMBER;

  FUNCTION fn_calcular_descuento(p_monto IN NUMBER, p_porcentaje IN NUMBER) RETURN NUMBER;

  -- Sobrecarga: descuento normal del cliente
  PROCEDURE aplicar_descuento(p_id_pedido IN pedidos.id_pedido%TYPE);

  -- Sobrecarga: descuento normal + campaña
  PROCEDURE aplicar_descuento(p_id_pedido       IN pedidos.id_pedido%TYPE,
                              p_codigo_campania IN campanias_descuento.codigo_campania%TYPE);

  PROCEDURE limpiar_cache;
END pkg_descuentos;

/
--------------------------------------------------------
--  DDL for Package Body PKG_DESCUENTOS
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE BODY "VENTAS"."PKG_DESCUENTOS" AS

  TYPE t_cache_pct IS TABLE OF NUMBER INDEX BY PLS_INTEGER;
  g_cache       t_cache_pct;
  g_cache_fecha DATE;

  c_minutos_cache CONSTANT NUMBER := 30;

  -- Tramos de volumen (USD). Para la filial de Madrid se usan los mismos valores en €.
  c_tramo_1 CONSTANT NUMBER := 5000;
  c_tramo_2 CONSTANT NUMBER := 20000;

  FUNCTION fn_calcular_descuento(p_monto IN NUMBER, p_porcentaje IN NUMBER) RETURN NUMBER IS
  BEGIN
    -- Se trunca (no se redondea) a 2 decimales: criterio acordado con Contabilidad
    RETURN TRUNC(NVL(p_monto, 0) * NVL(p_porcentaje, 0) / 100, 2);
  END fn_calcular_descuento;

  FUNCTION fn_porcentaje_cliente(p_id_cliente IN clientes.id_cliente%TYPE) RETURN NUMBER IS
    v_categoria    clientes.categoria%TYPE;
    v_convenio     clientes.es_convenio%TYPE;
    v_pct_conv     clientes.porcentaje_convenio%TYPE;
    v_pct          NUMBER;
    v_pct_conv_ef  NUMBER;
    v_compras      NUMBER;
  BEGIN
    -- cache por sesión, se invalida cada 30 minutos
    IF g_cache_fecha IS NULL OR (SYSDATE - g_cache_fecha) * 24 * 60 > c_minutos_cache THEN
      g_cache.DELETE;
      g_cache_fecha := SYSDATE;
    END IF;

    IF g_cache.EXISTS(p_id_cliente) THEN
      RETURN g_cache(p_id_cliente);
    END IF;

    -- categoría NULL se trata como REGULAR (clientes migrados del sistema anterior)
    SELECT categoria, es_convenio, porcentaje_convenio,
           DECODE(categoria, 'VIP', 15, 'ORO', 10, 'PLATA', 5, NULL, 0, 0),
           NVL2(porcentaje_convenio, DECODE(es_convenio, 'S', porcentaje_convenio, 0), 0)
      INTO v_categoria, v_convenio, v_pct_conv, v_pct, v_pct_conv_ef
      FROM clientes
     WHERE id_cliente = p_id_cliente
       AND estado = 'ACTIVO';

    -- descuento por volumen: depende de PKG_PEDIDOS (y PKG_PEDIDOS depende de este paquete)
    v_compras := pkg_pedidos.fn_total_compras_cliente(p_id_cliente, 12);
    v_pct := v_pct + CASE
                       WHEN v_compras >= c_tramo_2 THEN 5
                       WHEN v_compras >= c_tramo_1 THEN 2.5
                       ELSE 0
                     END;

    -- convenio: se toma el mayor entre el pactado y el calculado
    v_pct := GREATEST(v_pct, v_pct_conv_ef);

    v_pct := LEAST(v_pct, g_descuento_maximo);
    g_cache(p_id_cliente) := v_pct;
    RETURN v_pct;
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      RETURN 0;   -- cliente inactivo o inexistente: sin descuento
  END fn_porcentaje_cliente;

  PROCEDURE guardar_descuento(p_id_pedido IN NUMBER, p_pct IN NUMBER, p_leyenda IN VARCHAR2) IS
    v_subtotal pedidos.subtotal%TYPE;
    v_estado   pedidos.estado%TYPE;
  BEGIN
    SELECT subtotal, estado INTO v_subtotal, v_estado
      FROM pedidos WHERE id_pedido = p_id_pedido
       FOR UPDATE;

    IF v_estado NOT IN ('BORRADOR', 'PENDIENTE') THEN
      RAISE_APPLICATION_ERROR(-20110, 'No se puede modificar el descuento de un pedido en estado ' || v_estado);
    END IF;

    UPDATE pedidos
       SET porcentaje_descuento = p_pct,
           monto_descuento      = fn_calcular_descuento(v_subtotal, p_pct),
           observaciones        = SUBSTR(observaciones || CHR(10) || p_leyenda || ' ' || TO_CHAR(p_pct, 'FM990.00') || '%', 1, 1000)
     WHERE id_pedido = p_id_pedido;

    pkg_pedidos.recalcular_totales(p_id_pedido);
  END guardar_descuento;

  PROCEDURE aplicar_descuento(p_id_pedido IN pedidos.id_pedido%TYPE) IS
    v_id_cliente pedidos.id_cliente%TYPE;
  BEGIN
    SELECT id_cliente INTO v_id_cliente FROM pedidos WHERE id_pedido = p_id_pedido;
    guardar_descuento(p_id_pedido, fn_porcentaje_cliente(v_id_cliente), c_leyenda);
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      RAISE_APPLICATION_ERROR(-20101, 'Pedido ' || p_id_pedido || ' no existe');
  END aplicar_descuento;

  PROCEDURE aplicar_descuento(p_id_pedido       IN pedidos.id_pedido%TYPE,
                              p_codigo_campania IN campanias_descuento.codigo_campania%TYPE) IS
    r_camp      campanias_descuento%ROWTYPE;
    r_ped       pedidos%ROWTYPE;
    v_categoria clientes.categoria%TYPE;
    v_pct       NUMBER;
  BEGIN
    SELECT * INTO r_ped FROM pedidos WHERE id_pedido = p_id_pedido;

    BEGIN
      SELECT * INTO r_camp
        FROM campanias_descuento
       WHERE codigo_campania = UPPER(p_codigo_campania)
         AND activa = 'S'
         AND TRUNC(SYSDATE) BETWEEN fecha_inicio AND fecha_fin;
    EXCEPTION
      WHEN NO_DATA_FOUND THEN
        RAISE_APPLICATION_ERROR(-20111, 'La campaña ' || p_codigo_campania || ' no está vigente');
    END;

    SELECT categoria INTO v_categoria FROM clientes WHERE id_cliente = r_ped.id_cliente;

    IF r_camp.categoria_cliente IS NOT NULL AND r_camp.categoria_cliente <> NVL(v_categoria, 'REGULAR') THEN
      RAISE_APPLICATION_ERROR(-20112, 'La campaña es exclusiva para clientes ' || r_camp.categoria_cliente);
    END IF;

    IF r_ped.subtotal < NVL(r_camp.monto_minimo, 0) THEN
      RAISE_APPLICATION_ERROR(-20113, 'El pedido no alcanza el monto mínimo de la campaña ('
                                      || TO_CHAR(r_camp.monto_minimo, 'FM999G990D00') || ')');
    END IF;

    v_pct := LEAST(fn_porcentaje_cliente(r_ped.id_cliente) + r_camp.porcentaje, g_descuento_maximo);

    UPDATE pedidos SET codigo_campania = r_camp.codigo_campania WHERE id_pedido = p_id_pedido;
    guardar_descuento(p_id_pedido, v_pct, c_leyenda_promo);

    seguridad.prc_registrar_auditoria(c_modulo, 'CAMPANIA',
      'Pedido ' || p_id_pedido || ' campaña ' || r_camp.codigo_campania || ' Año ' || TO_CHAR(SYSDATE, 'YYYY'));
  END aplicar_descuento;

  PROCEDURE limpiar_cache IS
  BEGIN
    DBMS_OUTPUT.put_line('Entradas en cache eliminadas: ' || g_cache.COUNT);
    g_cache.DELETE;
    g_cache_fecha := NULL;
  END limpiar_cache;

BEGIN
  -- Inicialización del paquete: lee el tope de descuento vigente
  SELECT TO_NUMBER(valor)
    INTO g_descuento_maximo
    FROM seguridad.parametros_sistema
   WHERE codigo = 'DESC_MAXIMO_PCT';
EXCEPTION
  WHEN OTHERS THEN
    g_descuento_maximo := 35;
END pkg_descuentos;

/
SHOW ERRORS
