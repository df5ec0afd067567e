CREATE TABLE ventas.campanias_descuento (
	codigo_campania varchar(20) NOT NULL,
	descripcion varchar(200),
	porcentaje decimal(5,2) NOT NULL,
	monto_minimo decimal(12,2) DEFAULT 0,
	categoria_cliente varchar(10),
	fecha_inicio timestamp NOT NULL,
	fecha_fin timestamp NOT NULL,
	activa char(1) DEFAULT 'S'
) ;
ALTER TABLE ventas.campanias_descuento ADD CONSTRAINT ck_campania_fechas_fecha_fin CHECK (fecha_fin >= fecha_inicio);
ALTER TABLE ventas.campanias_descuento ADD CONSTRAINT ck_campania_pct_porcentaje CHECK (porcentaje BETWEEN 0 AND 50);
ALTER TABLE ventas.campanias_descuento ADD PRIMARY KEY (codigo_campania);
