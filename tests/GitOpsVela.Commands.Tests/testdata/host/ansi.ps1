"$([char]27)[31mred text$([char]27)[0m"
"rendering=$($PSStyle.OutputRendering)"
