"""Impact's use cases."""

__all__: list[str] = []
