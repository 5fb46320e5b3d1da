"""The dashboard's pages, drawn by Streamlit: ``app.py`` puts them together.

    resources     what every run shares: the gazetteer, the library, cached parses
    sidebar       the view, the library list and filters, adding articles, layer switch
    article_view  one article: map, passages, corrections, exports, the text
    corpus_view   every article found: places by mentions, claims, passages
    panes         the parts both views draw: place and claim panes, legend, exports

Everything here calls ``streamlit``; the work itself is done by the other
``geo`` modules, so it can be tested without a page.
"""
