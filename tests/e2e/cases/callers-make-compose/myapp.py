import dnxlogger; print(dnxlogger.NAME)
