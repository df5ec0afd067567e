CREATE OR REPLACE PROCEDURE prc_actualizar_limite_credito (p_id_cliente numeric, p_nuevo_limite numeric, p_autorizado_por text) AS $body$
DECLARE

   v_limite   clientes.limite_credito%type;
   v_saldo    clientes.saldo_pendiente%type;
   v_categoria clientes.categoria%type;

BEGIN
   select limite_credito, saldo_pendiente, categoria
     into STRICT v_limite, v_saldo, v_categoria
     from clientes
    where id_cliente = p_id_cliente
      for update;
   if p_nuevo_limite < coalesce(v_saldo, 0) then
      RAISE EXCEPTION '%', 'El nuevo límite no puede ser menor al saldo pendiente (' || v_saldo || ')' USING ERRCODE = '45610';
   end if;
   -- límites máximos por categoría
   if p_nuevo_limite > case coalesce(v_categoria, 'REGULAR')
                          when 'VIP'   then 100000
                          when 'ORO'   then 50000
                          when 'PLATA' then 20000
                          else 5000
                       end then
      RAISE EXCEPTION '%', 'Límite excede el máximo permitido para la categoría ' || v_categoria USING ERRCODE = '45611';
   end if;
   update clientes
      set limite_credito = p_nuevo_limite,
          fecha_modificacion = clock_timestamp(),
          usuario_modificacion = upper(p_autorizado_por)
    where id_cliente = p_id_cliente;
end;
$body$
LANGUAGE PLPGSQL
;
-- REVOKE ALL ON PROCEDURE prc_actualizar_limite_credito (p_id_cliente numeric, p_nuevo_limite numeric, p_autorizado_por text) FROM PUBLIC;
