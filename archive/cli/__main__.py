from archive.cli.main import main

main()
