"""Question banks as data: parse and validate bank files, store and read them back."""
