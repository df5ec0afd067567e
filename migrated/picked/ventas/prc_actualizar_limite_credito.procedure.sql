-- VENTAS.PRC_ACTUALIZAR_LIMITE_CREDITO (PROCEDURE) from extracted/all_source/procedures.sql:41

CREATE OR REPLACE PROCEDURE ventas.prc_actualizar_limite_credito(
    p_id_cliente numeric,
    p_nuevo_limite numeric,
    p_autorizado_por varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_limite clientes.limite_credito%TYPE;
    v_saldo clientes.saldo_pendiente%TYPE;
    v_categoria clientes.categoria%TYPE;
BEGIN
    select limite_credito, saldo_pendiente, categoria
         into STRICT v_limite, v_saldo, v_categoria
         from clientes
        where id_cliente = p_id_cliente
          for update;
    IF p_nuevo_limite < coalesce(v_saldo, 0) THEN
        RAISE EXCEPTION USING ERRCODE = 'U0610', MESSAGE = concat('El nuevo límite no puede ser menor al saldo pendiente (', v_saldo, ')');
    END IF;
    -- límites máximos por categoría
    IF p_nuevo_limite > case coalesce(v_categoria, 'REGULAR')
           when 'VIP'   then 100000
           when 'ORO'   then 50000
           when 'PLATA' then 20000
           else 5000
        end THEN
        RAISE EXCEPTION USING ERRCODE = 'U0611', MESSAGE = concat('Límite excede el máximo permitido para la categoría ', v_categoria);
    END IF;
    update clientes
          set limite_credito = p_nuevo_limite,
              fecha_modificacion = clock_timestamp()::timestamp(0),
              usuario_modificacion = upper(p_autorizado_por)
        where id_cliente = p_id_cliente;
END;
$body$;
