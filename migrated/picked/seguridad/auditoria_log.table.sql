CREATE TABLE seguridad.auditoria_log (
	id_log bigint NOT NULL,
	fecha timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
	usuario varchar(30),
	modulo varchar(60) NOT NULL,
	accion varchar(30) NOT NULL,
	detalle varchar(4000),
	codigo_error numeric,
	ip_cliente varchar(45)
) ;
ALTER TABLE seguridad.auditoria_log ADD PRIMARY KEY (id_log);
