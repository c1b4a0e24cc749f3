import ArgumentParser
import Parley

ParleyCommand.main()
