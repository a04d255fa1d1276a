"""The name order and search of the grid: names folded (lower case, no accents), as the kept standings store
them (`Standing.name_key`, `Standing.search_text`) and the database sorts and searches them."""

import unicodedata


def folded(text: str) -> str:
    """Lower case without accents, so "helene" finds "Hélène"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
