import privatestuff; print(privatestuff.NAME)
