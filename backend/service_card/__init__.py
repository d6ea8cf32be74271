"""The printable service card (便民服务卡) and the village's public page."""
