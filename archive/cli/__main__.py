from archive.cli.main import cli

cli()
