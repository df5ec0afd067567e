-- SEGURIDAD.TRG_USUARIOS_BIU (TRIGGER) from extracted/all_source/triggers.sql:53

CREATE OR REPLACE FUNCTION seguridad.trg_usuarios_biu() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    NEW.login := UPPER(TRIM(NEW.login));
    NEW.email := LOWER(TRIM(NEW.email));
    IF NEW.email IS NOT NULL AND fn_validar_email(NEW.email) = 'N' THEN
        RAISE EXCEPTION USING ERRCODE = 'U0910', MESSAGE = concat('Correo inválido para el usuario ', NEW.login);
    END IF;
    IF (TG_OP = 'INSERT') THEN
        NEW.fecha_creacion := clock_timestamp()::timestamp(0);
        NEW.intentos_fallidos := 0;
        IF NEW.hash_clave IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'U0911', MESSAGE = 'El usuario debe crearse con clave (use PKG_CRIPTO.fn_hash_clave)';
        END IF;
    END IF;
    RETURN NEW;
END;
$body$;

DROP TRIGGER IF EXISTS trg_usuarios_biu ON usuarios;
CREATE TRIGGER trg_usuarios_biu
BEFORE INSERT OR UPDATE ON usuarios
FOR EACH ROW
EXECUTE FUNCTION seguridad.trg_usuarios_biu();
