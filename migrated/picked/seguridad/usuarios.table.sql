CREATE TABLE seguridad.usuarios (
	id_usuario bigint NOT NULL,
	login varchar(30) NOT NULL,
	nombre varchar(120) NOT NULL,
	email varchar(150),
	hash_clave varchar(128),
	sal varchar(64),
	estado varchar(10) NOT NULL DEFAULT 'ACTIVO',
	intentos_fallidos smallint DEFAULT 0,
	fecha_ultimo_acceso timestamp,
	fecha_creacion timestamp DEFAULT statement_timestamp()
) ;
ALTER TABLE seguridad.usuarios ADD CONSTRAINT ck_usuarios_estado_estado CHECK (estado IN ('ACTIVO','BLOQUEADO','INACTIVO'));
ALTER TABLE seguridad.usuarios ADD PRIMARY KEY (id_usuario);
ALTER TABLE seguridad.usuarios ADD UNIQUE (login);
