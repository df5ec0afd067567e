-- VENTAS.FN_VALIDAR_CEDULA (FUNCTION) from extracted/all_source/functions.sql:31

CREATE OR REPLACE FUNCTION ventas.fn_validar_cedula(p_cedula varchar)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    -- Valida cédula ecuatoriana (10 dígitos, módulo 10) o RUC de persona natural (13 dígitos, termina en 001).
    -- Devuelve 'S' o 'N'.
    v_doc varchar(13) := trim(p_cedula);
    v_provincia numeric;
    v_suma numeric := 0;
    v_producto numeric;
    v_verif numeric;
BEGIN
    IF v_doc is null or not regexp_like(v_doc, '^[0-9]{10}([0-9]{3})?$') THEN
        RETURN 'N';
    END IF;
    IF length(v_doc) = 13 and substr(v_doc, 11, 3) <> '001' THEN
        RETURN 'N';
    END IF;
    v_provincia := (substr(v_doc, 1, 2))::numeric;
    IF v_provincia not between 1 and 24 and v_provincia <> 30 THEN
        RETURN 'N';
    END IF;
    IF (substr(v_doc, 3, 1))::numeric >= 6 THEN
        RETURN 'N';
    END IF;
    FOR i IN 1..9 LOOP
        v_producto := (oracle.substr(v_doc, i, 1))::numeric * case mod(i, 2) when 1 then 2 else 1 end;
        IF v_producto > 9 THEN
            v_producto := v_producto - 9;
        END IF;
        v_suma := v_suma + v_producto;
    END LOOP;
    v_verif := mod(10 - mod(v_suma, 10), 10);
    RETURN case when v_verif = (substr(v_doc, 10, 1))::numeric then 'S' else 'N' end;
END;
$body$;
