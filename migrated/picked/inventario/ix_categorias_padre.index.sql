CREATE INDEX ix_categorias_padre ON inventario.categorias (id_categoria_padre);
