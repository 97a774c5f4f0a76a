"""The session screen: the frame (``screen.py``) and one view per stage (``issues.py``,
``interests.py``, ``options.py``, ``criteria.py``, ``consensus.py`` with ``agreements.py``) on the
base in ``view.py``; their CSS in ``session.tcss``."""

from .criteria import RatingGrid
from .screen import SessionScreen
from .view import ItemList

__all__ = ["ItemList", "RatingGrid", "SessionScreen"]
