CREATE TABLE inventario.hist_precios (
	id_producto bigint NOT NULL,
	fecha_cambio timestamp NOT NULL,
	precio_anterior decimal(12,4),
	precio_nuevo decimal(12,4),
	variacion_pct decimal(7,2),
	usuario varchar(30)
) ;
