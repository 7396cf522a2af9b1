"""python -m moda: see python -m moda.tune."""
from .tune import main

main()
