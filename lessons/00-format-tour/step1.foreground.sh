# Typed into the student's first terminal when the step opens.
cd /root/tour && ls
