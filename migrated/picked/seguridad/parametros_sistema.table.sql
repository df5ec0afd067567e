CREATE TABLE seguridad.parametros_sistema (
	codigo varchar(40) NOT NULL,
	valor varchar(400),
	tipo varchar(10) DEFAULT 'TEXTO',
	descripcion varchar(200),
	fecha_modificacion timestamp
) ;
ALTER TABLE seguridad.parametros_sistema ADD CONSTRAINT ck_param_tipo_tipo CHECK (tipo IN ('TEXTO','NUMERO','FECHA','CLAVE'));
ALTER TABLE seguridad.parametros_sistema ADD PRIMARY KEY (codigo);
