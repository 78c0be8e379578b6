"""tongbao: structure Chinese ranking notices (通报), pledge speeches and newspaper pages."""

__version__ = "0.1.0"
