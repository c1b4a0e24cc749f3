import Parley
print("parley \(ParleyVersion.current)")
