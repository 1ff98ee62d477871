import AiopsCLI

await AiopsMain.run()
