"""A reader of the text in PDF content streams, with each glyph's position: a format concern,
like pyHanko's ``pdf_utils`` (the placement plan, :mod:`signing.placement`, is policy over it).

pypdf's ``extract_text(visitor_text=...)`` gives the same positions (the placement tests compare
them) but costs ~30 ms a page on the CJK instruments; this walk costs ~2-5 ms a page, reading
the PDF included. Modules:

* :mod:`.syntax` -- content-stream tokens: instructions, strings, numbers, matrices;
* :mod:`.fonts` -- code -> text (/ToUnicode) and code -> width, simple and Type0 fonts;
* :mod:`.walker` -- the graphics and text state, glyphs joined into runs of one style;
* :mod:`.pages` -- pages: visible lines, table columns, where a pattern's text starts.

Only what placement needs: positions are PDF user space (points, origin at the lower-left of
the page's coordinate system), and text is reported as upright or not rather than rotated.
"""
from .pages import COLUMN_GAP, Line, Page, TextLine, TextMatch, lines_of, read_pages, text_lines
from .walker import Run

__all__ = ["COLUMN_GAP", "Line", "Page", "Run", "TextLine", "TextMatch", "lines_of", "read_pages", "text_lines"]
