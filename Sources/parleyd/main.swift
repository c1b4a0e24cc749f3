import Parley
print("parleyd \(ParleyVersion.current)")
