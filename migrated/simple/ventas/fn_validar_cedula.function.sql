CREATE OR REPLACE FUNCTION fn_validar_cedula (p_cedula text) RETURNS varchar AS $body$
DECLARE

   -- Valida cédula ecuatoriana (10 dígitos, módulo 10) o RUC de persona natural (13 dígitos, termina en 001).
   -- Devuelve 'S' o 'N'.
   v_doc       varchar(13) := trim(both p_cedula);
   v_provincia numeric;
   v_suma      numeric := 0;
   v_producto  numeric;
   v_verif     numeric;
BEGIN
   if coalesce(v_doc::text, '') = '' or not (regexp_match(v_doc, '^[0-9]{10}([0-9]{3})?$','n') IS NOT NULL AND (regexp_match(v_doc, '^[0-9]{10}([0-9]{3})?$','n'))::text <> '') then
      return 'N';
   end if;
   if length(v_doc) = 13 and substr(v_doc, 11, 3) <> '001' then
      return 'N';
   end if;
   v_provincia := (substr(v_doc, 1, 2))::numeric;
   if v_provincia not between 1 and 24 and v_provincia <> 30 then
      return 'N';
   end if;
   if (substr(v_doc, 3, 1))::numeric  >= 6 then
      return 'N';   -- 6 = sector público, 9 = sociedades: no son cédulas
   end if;
   for i in 1 .. 9 loop
      v_producto := (substr(v_doc, i, 1))::numeric  * case mod(i, 2) when 1 then 2 else 1 end;
      if v_producto > 9 then
         v_producto := v_producto - 9;
      end if;
      v_suma := v_suma + v_producto;
   end loop;
   v_verif := mod(10 - mod(v_suma, 10), 10);
   return case when v_verif = (substr(v_doc, 10, 1))::numeric  then 'S' else 'N' end;
end;
$body$
LANGUAGE PLPGSQL
;
-- REVOKE ALL ON FUNCTION fn_validar_cedula (p_cedula text) FROM PUBLIC;
