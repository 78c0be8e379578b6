"""tongbao: structure Chinese ranking notices (通报), pledge speeches and newspaper pages."""

__version__ = "0.1.0"


def compiled() -> bool:
    """Whether the stages run compiled by mypyc (`make compiled`) rather than as Python source."""
    from . import normalise
    return not (normalise.__file__ or "").endswith(".py")
