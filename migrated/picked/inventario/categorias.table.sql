CREATE TABLE inventario.categorias (
	id_categoria integer NOT NULL,
	id_categoria_padre integer,
	nombre varchar(100) NOT NULL,
	codigo_contable varchar(20)
) ;
