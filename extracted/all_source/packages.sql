PACKAGE pkg_clientes AS
  -- Mantenimiento de clientes. Usado por la vista V_CLIENTES_ACTIVOS (trigger INSTEAD OF),
  -- por el call center y por el portal de convenios.

  FUNCTION crear_cliente(p_tipo_documento   IN clientes.tipo_documento%TYPE,
                         p_numero_documento IN clientes.numero_documento%TYPE,
                         p_razon_social     IN clientes.razon_social%TYPE,
                         p_email            IN clientes.email%TYPE DEFAULT NULL,
                         p_telefono         IN clientes.telefono%TYPE DEFAULT NULL)
    RETURN clientes.id_cliente%TYPE;

  PROCEDURE crear_cliente(p_tipo_documento   IN clientes.tipo_documento%TYPE,
                          p_numero_documento IN clientes.numero_documento%TYPE,
                          p_razon_social     IN clientes.razon_social%TYPE,
                          p_email            IN clientes.email%TYPE DEFAULT NULL,
                          p_telefono         IN clientes.telefono%TYPE DEFAULT NULL);

  PROCEDURE actualizar_contacto(p_id_cliente IN NUMBER, p_email IN VARCHAR2, p_telefono IN VARCHAR2);

  FUNCTION buscar(p_id_cliente IN NUMBER) RETURN SYS_REFCURSOR;
  FUNCTION buscar(p_texto IN VARCHAR2, p_max_filas IN PLS_INTEGER DEFAULT 50) RETURN SYS_REFCURSOR;

  PROCEDURE recategorizar(p_id_cliente IN NUMBER DEFAULT NULL);
END pkg_clientes;
/
PACKAGE pkg_notificaciones AS
  -- Envío de correos por SMTP directo (el relay interno no admite UTL_MAIL con adjuntos grandes)
  PROCEDURE enviar_correo(p_para    IN VARCHAR2,
                          p_asunto  IN VARCHAR2,
                          p_mensaje IN VARCHAR2,
                          p_html    IN BOOLEAN DEFAULT FALSE);

  PROCEDURE enviar_con_adjunto(p_para IN VARCHAR2, p_asunto IN VARCHAR2, p_mensaje IN VARCHAR2,
                               p_nombre_adjunto IN VARCHAR2, p_adjunto IN BLOB);
END pkg_notificaciones;
/
