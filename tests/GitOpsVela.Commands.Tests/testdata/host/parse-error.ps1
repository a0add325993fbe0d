"never printed"
if ($x {
