/// The MESSAGE_IDs systemd 252 stamps on unit lifecycle messages (systemd's sd-messages.h;
/// each checked against a real systemd in the lab, see shared/notes/systemd-lab.md).
public enum SystemdMessageID {
    public static let jobStarting = "7d4958e842da4a758f6c1cdc7b36dcc5"
    public static let jobStarted = "39f53479d3a045ac8e11786248231fbf"
    public static let jobFailed = "be02cf6855d2428ba40df7e9d022f03d"
    public static let jobStopping = "de5b426a63be47a7b6ac3eaac82e2f6f"
    public static let jobStopped = "9d1aaa27d60140bd96365438aad20286"
    public static let processExited = "98e322203f7a4ed290d09fe03c09fe15"
    public static let unitFailed = "d9b373ed55a64feb8242e02dbe79a49c"
    public static let restartScheduled = "5eb03494b6584870a536b337290809b3"
    public static let deactivated = "7ad2d189f7e94e70a38c781354912448"
    public static let resourcesConsumed = "ae8f7b866b0347b9af31fe1c80b127c0"
    public static let oomKill = "fe6faa94e7774663a0da52717891d8ef"
    public static let spawnFailed = "641257651c1b4ec9a8624d7a40a9e1e7"
    public static let coredump = "fc2e22bc6ee647b6b90729ab34a250b1"
}
