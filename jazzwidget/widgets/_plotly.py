"""Import plotly's FigureWidget without paying for a grammar nobody uses.

``go.FigureWidget`` imports ``plotly.io._renderers``, which imports nbformat, which imports
jsonschema, whose format checkers import the package ``rfc3987-syntax`` when it is installed
(JupyterLab's ``jupyter-events`` pulls it in). That package compiles a Lark grammar at import:
about 1-2 s of the first figure's cost, for the "iri" format check that nothing in a kernel runs.

`figure_widget_class` imports jsonschema with a stand-in for ``rfc3987_syntax`` whose one function
imports the real package on its first call. jsonschema's behaviour is unchanged (an "iri" check
still works, it only compiles the grammar when first asked), and the stand-in leaves
``sys.modules`` at once, so any other ``import rfc3987_syntax`` gets the real package.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import plotly.graph_objects as go

_NAME = "rfc3987_syntax"


def _lazy_is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
    """Import the real ``rfc3987_syntax`` on first use and delegate to it."""
    if isinstance(sys.modules.get(_NAME), types.ModuleType) and getattr(
        sys.modules[_NAME], "__jazzwidget_stub__", False
    ):
        del sys.modules[_NAME]
    real = importlib.import_module(_NAME)
    return real.is_valid_syntax(*args, **kwargs)


def _import_jsonschema_lazily() -> None:
    """Import ``jsonschema._format`` with ``rfc3987_syntax`` deferred (see the module doc)."""
    if "jsonschema._format" in sys.modules or _NAME in sys.modules:
        return
    try:
        if any(importlib.util.find_spec(name) is None for name in (_NAME, "jsonschema")):
            return
    except (ImportError, ValueError):
        return
    stub = types.ModuleType(_NAME)
    vars(stub).update(__jazzwidget_stub__=True, is_valid_syntax=_lazy_is_valid_syntax)
    sys.modules[_NAME] = stub
    try:
        importlib.import_module("jsonschema._format")
    except Exception:  # broad on purpose, see below
        # An optimization must never break plotly's own import: whatever jsonschema raised
        # here, `figure_widget_class` imports plotly next, which imports jsonschema again
        # (without the stub) and meets the same error there, with its own traceback.
        pass
    finally:
        if sys.modules.get(_NAME) is stub:
            del sys.modules[_NAME]


def figure_widget_class() -> type[go.FigureWidget]:
    """``plotly.graph_objects.FigureWidget``, imported the fast way."""
    _import_jsonschema_lazily()
    import plotly.graph_objects as go

    return go.FigureWidget
