"""Server-rendered public pages in Chinese, usable without JavaScript."""
