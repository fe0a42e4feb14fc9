KB_SEARCH.shard(["so",{"source":[0,3,1,3,2,3],"south":[0,2],"southern":[2,2]}]);
